#include <cstdio>
#include <vector>

typedef long long ll;
const ll MOD = 998244353;

ll power(ll a, ll e) {
    ll r = 1;
    a %= MOD;
    while (e > 0) {
        if (e & 1) r = r * a % MOD;
        a = a * a % MOD;
        e >>= 1;
    }
    return r;
}

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    std::vector<ll> fact(n + 1), ifact(n + 1);
    fact[0] = 1;
    for (int i = 1; i <= n; i++) fact[i] = fact[i - 1] * i % MOD;
    {  // inverse factorials: one power, then ifact[i - 1] = ifact[i] * i
        long long pie_last_1 = (long long)(n);
        if (pie_last_1 >= 0) {
            ifact[pie_last_1] = power(fact[pie_last_1], MOD - 2);
            for (long long pie_i_1 = pie_last_1; pie_i_1 > 0; --pie_i_1)
                ifact[pie_i_1 - 1] = (long long)ifact[pie_i_1] * pie_i_1 % (MOD);
        }
    }
    while (q--) {
        int a, b;
        scanf("%d %d", &a, &b);
        if (b < 0 || b > a) {
            printf("0\n");
            continue;
        }
        printf("%lld\n", fact[a] * ifact[b] % MOD * ifact[a - b] % MOD);
    }
}
