#include <bits/stdc++.h>
using namespace std;
const long long MOD = 1000000007LL;

long long modpow(long long b, long long e) {
    long long r = 1;
    b %= MOD;
    while (e) {
        if (e & 1) r = r * b % MOD;
        b = b * b % MOD;
        e >>= 1;
    }
    return r;
}

int main() {
    int q;
    scanf("%d", &q);
    vector<pair<int, int>> qs(q);
    int mx = 1;
    for (auto &p : qs) scanf("%d %d", &p.first, &p.second), mx = max(mx, p.first);
    vector<long long> f(mx + 1), inv(mx + 1);
    f[0] = 1;
    for (int i = 1; i <= mx; i++) f[i] = f[i - 1] * i % MOD;
    inv[mx] = modpow(f[mx], MOD - 2);
    for (int i = mx; i > 0; i--) inv[i - 1] = inv[i] * i % MOD;
    for (auto [n, k] : qs) {
        if (k < 0 || k > n) puts("0");
        else printf("%lld\n", f[n] * inv[k] % MOD * inv[n - k] % MOD);
    }
}
