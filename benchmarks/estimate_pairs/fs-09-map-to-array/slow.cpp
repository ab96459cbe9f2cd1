#include <cstdio>
#include <map>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    map<int, int> freq;
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
        printf("%d\n", freq.count(x) ? freq[x] : 0);
    }
    return 0;
}
