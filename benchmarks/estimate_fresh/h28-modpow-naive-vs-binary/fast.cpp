#include <cstdio>

// q queries "a b": a^b mod 1e9+7, summed; the power by repeated squaring.
const long long MOD = 1000000007;

long long power(long long a, long long b) {
    long long r = 1;
    a %= MOD;
    while (b > 0) {
        if (b & 1) r = r * a % MOD;
        a = a * a % MOD;
        b >>= 1;
    }
    return r;
}

int main() {
    int q;
    scanf("%d", &q);
    long long sum = 0;
    for (int i = 0; i < q; i++) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        long long p = power(a, b);
        printf("%lld\n", p);
        sum = (sum + p) % MOD;
    }
    printf("%lld\n", sum);
    return 0;
}
