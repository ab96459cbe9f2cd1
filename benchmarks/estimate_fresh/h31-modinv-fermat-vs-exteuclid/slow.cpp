#include <cstdio>

// Sum of a_i^{-1} mod p and of a_i^{-1} * i over n generated values, p prime, inverses by Fermat.
long long power(long long a, long long b, long long m) {
    long long r = 1;
    a %= m;
    while (b) {
        if (b & 1) r = r * a % m;
        a = a * a % m;
        b >>= 1;
    }
    return r;
}

int main() {
    long long p, seed;
    int n;
    scanf("%lld %d %lld", &p, &n, &seed);
    long long sum = 0, weighted = 0, x = seed;
    for (int i = 1; i <= n; i++) {
        x = (x * 48271) % 2147483647;
        long long a = x % (p - 1) + 1;
        long long inv = power(a, p - 2, p);
        sum = (sum + inv) % p;
        weighted = (weighted + inv * i) % p;
    }
    printf("%lld %lld\n", sum, weighted);
    return 0;
}
