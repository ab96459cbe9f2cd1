#include <bits/stdc++.h>
using namespace std;
#define MOD 1000000007LL

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

long long fact(int n) {
    long long f = 1;
    for (int i = 2; i <= n; i++) f = f * i % MOD;
    return f;
}

long long C(int n, int k) {
    if (k < 0 || k > n) return 0;
    return fact(n) * modpow(fact(k), MOD - 2) % MOD * modpow(fact(n - k), MOD - 2) % MOD;
}

int main() {
    int q;
    scanf("%d", &q);
    while (q--) {
        int n, k;
        scanf("%d %d", &n, &k);
        printf("%lld\n", C(n, k));
    }
}
