#include <cstdio>

long long gcd_slow(long long a, long long b) {
    long long best = 1;
    for (long long d = 1; d <= a && d <= b; d++)
        if (a % d == 0 && b % d == 0) best = d;
    return best;
}

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        long long g = gcd_slow(a, b);
        printf("%lld %lld\n", g, a / g * b);
    }
    return 0;
}
