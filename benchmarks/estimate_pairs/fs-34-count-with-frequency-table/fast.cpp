#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<int> freq(1001, 0);
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        freq[x]++;
    }
    while (q--) {
        int x;
        scanf("%d", &x);
        printf("%d\n", x >= 0 && x <= 1000 ? freq[x] : 0);
    }
    return 0;
}
