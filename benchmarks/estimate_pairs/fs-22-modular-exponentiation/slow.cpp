#include <cstdio>

const long long MOD = 1000000007;

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        long long a, b;
        scanf("%lld %lld", &a, &b);
        long long result = 1;
        for (long long i = 0; i < b; i++) result = result * (a % MOD) % MOD;
        printf("%lld\n", result);
    }
    return 0;
}
