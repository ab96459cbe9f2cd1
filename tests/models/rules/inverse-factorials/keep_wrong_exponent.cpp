#include <cstdio>
typedef long long ll;
const ll M = 1000000007;
ll fact[1000], sq[1000];
ll pw(ll a, ll e) {
    ll r = 1;
    while (e) {
        if (e & 1) r = r * a % M;
        a = a * a % M;
        e >>= 1;
    }
    return r;
}
int main() {
    int n;
    scanf("%d", &n);
    fact[0] = 1;
    for (int i = 1; i <= n; i++) fact[i] = fact[i - 1] * i % M;
    for (int i = 0; i <= n; i++) sq[i] = pw(fact[i], 2);
    printf("%lld\n", sq[n]);
}
