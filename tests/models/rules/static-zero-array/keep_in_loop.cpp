#include <cstdio>

int main() {
    int t;
    scanf("%d", &t);
    while (t--) {
        int count[100000] = {0};  // must start at zero for every test case
        int n, best = 0;
        scanf("%d", &n);
        for (int i = 0; i < n; i++) {
            int x;
            scanf("%d", &x);
            if (++count[x] > best) best = count[x];
        }
        printf("%d\n", best);
    }
}
