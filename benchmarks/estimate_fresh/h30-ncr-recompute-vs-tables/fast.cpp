#include <cstdio>
#include <vector>
using namespace std;

// q queries "n k": C(n, k) mod 1e9+7 from factorial and inverse-factorial tables.
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

int main() {
    int q;
    scanf("%d", &q);
    vector<int> ns(q), ks(q);
    int maxN = 1;
    for (int i = 0; i < q; i++) {
        scanf("%d %d", &ns[i], &ks[i]);
        if (ns[i] > maxN) maxN = ns[i];
    }
    vector<long long> f(maxN + 1), inv(maxN + 1);
    f[0] = 1;
    for (int i = 1; i <= maxN; i++) f[i] = f[i - 1] * i % MOD;
    inv[maxN] = power(f[maxN], MOD - 2);
    for (int i = maxN; i > 0; i--) inv[i - 1] = inv[i] * i % MOD;
    long long x = 0;
    for (int i = 0; i < q; i++) {
        int n = ns[i], k = ks[i];
        long long c = (k < 0 || k > n) ? 0 : f[n] * inv[k] % MOD * inv[n - k] % MOD;
        x ^= c + i;
        printf("%lld\n", c);
    }
    printf("%lld\n", x);
    return 0;
}
