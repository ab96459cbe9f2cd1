#include <cstdio>

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long n;
        scanf("%lld", &n);
        long long x = 0;
        while ((x + 1) * (x + 1) <= n) x++;
        printf("%lld\n", x);
    }
    return 0;
}
