#include <cstdio>

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long n;
        scanf("%lld", &n);
        long long lo = 0, hi = 3037000499LL;
        while (lo < hi) {
            long long mid = lo + (hi - lo + 1) / 2;
            if (mid * mid <= n) lo = mid;
            else hi = mid - 1;
        }
        printf("%lld\n", lo);
    }
    return 0;
}
