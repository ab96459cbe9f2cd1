#include <cstdio>

// Sum of a_i^{-1} mod p and of a_i^{-1} * i over n generated values, p prime, inverses by extended Euclid.
long long inverse(long long a, long long m) {
    long long g = m, x = 0, g1 = a, x1 = 1;
    while (g1) {
        long long t = g / g1;
        long long ng = g - t * g1;
        g = g1;
        g1 = ng;
        long long nx = x - t * x1;
        x = x1;
        x1 = nx;
    }
    return ((x % m) + m) % m;
}

int main() {
    long long p, seed;
    int n;
    scanf("%lld %d %lld", &p, &n, &seed);
    long long sum = 0, weighted = 0, x = seed;
    for (int i = 1; i <= n; i++) {
        x = (x * 48271) % 2147483647;
        long long a = x % (p - 1) + 1;
        long long inv = inverse(a, p);
        sum = (sum + inv) % p;
        weighted = (weighted + inv * i) % p;
    }
    printf("%lld %lld\n", sum, weighted);
    return 0;
}
