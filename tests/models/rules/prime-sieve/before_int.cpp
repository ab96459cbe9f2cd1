#include <cstdio>
#include <cmath>

int prime(long long v) {
    if (v == 0 || v == 1) return 0;
    if (v == 2) return 1;
    for (long long d = 2; d <= sqrt(v); ++d)
        if (!(v % d)) return 0;
    return 1;
}

int main() {
    long long n, sum = 0;
    scanf("%lld", &n);
    for (long long k = 0; k <= n; k++)
        if (prime(k)) sum += k;
    printf("%lld\n", sum);
}
