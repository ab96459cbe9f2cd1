#include <cstdio>

// q queries "n k": C(n, k) mod 1e9+7, each computed from factorials built on the spot.
const long long MOD = 1000000007;

long long power(long long a, long long b) {
    long long r = 1;
    a %= MOD;
    while (b) {
        if (b & 1) r = r * a % MOD;
        a = a * a % MOD;
        b >>= 1;
    }
    return r;
}

long long fact(int n) {
    long long r = 1;
    for (int i = 2; i <= n; i++) r = r * i % MOD;
    return r;
}

long long nCr(int n, int k) {
    if (k < 0 || k > n) return 0;
    return fact(n) * power(fact(k) * fact(n - k) % MOD, MOD - 2) % MOD;
}

int main() {
    int q;
    scanf("%d", &q);
    long long x = 0;
    for (int i = 0; i < q; i++) {
        int n, k;
        scanf("%d %d", &n, &k);
        long long c = nCr(n, k);
        x ^= c + i;
        printf("%lld\n", c);
    }
    printf("%lld\n", x);
    return 0;
}
