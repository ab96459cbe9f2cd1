#include <cstdio>

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long n;
        scanf("%lld", &n);
        long long count = 0, sum = 0;
        for (long long d = 1; d <= n; d++)
            if (n % d == 0) {
                count++;
                sum += d;
            }
        printf("%lld %lld\n", count, sum);
    }
    return 0;
}
