#include <cstdio>
#include <vector>
using namespace std;

int main() {
    const int MAXV = 100000;
    int n;
    scanf("%d", &n);
    vector<int> freq(MAXV + 1, 0);
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        freq[x]++;
    }
    int q;
    scanf("%d", &q);
    while (q--) {
        int x;
        scanf("%d", &x);
        printf("%d\n", freq[x]);
    }
    return 0;
}
