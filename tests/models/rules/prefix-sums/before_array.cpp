#include <cstdio>

int a[100005];

int main() {
    int n, q;
    if (scanf("%d %d", &n, &q) != 2) return 1;
    for (int i = 1; i <= n; i++)
        if (scanf("%d", &a[i]) != 1) return 1;
    for (int t = 0; t < q; t++) {
        int l, r;
        if (scanf("%d %d", &l, &r) != 2) return 1;
        int sum = 0;
        for (int i = l; i <= r; i++) sum += a[i];
        printf("%d\n", sum);
    }
}
