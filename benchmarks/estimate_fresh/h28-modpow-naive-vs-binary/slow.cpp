#include <cstdio>

// q queries "a b": a^b mod 1e9+7, summed; the power by repeated multiplication.
const long long MOD = 1000000007;

long long power(long long a, long long b) {
    long long r = 1;
    a %= MOD;
    for (long long i = 0; i < b; i++) r = r * a % MOD;
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
