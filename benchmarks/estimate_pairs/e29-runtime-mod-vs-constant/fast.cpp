#include <bits/stdc++.h>
using namespace std;

const long long MOD = 1000000007;
int main() {
    long long mod, n; scanf("%lld %lld", &mod, &n); long long f = 1, s = 0;
    for (long long i = 1; i <= n; i++) { f = f * i % MOD; s = (s + f) % MOD; }
    printf("%lld\n", s);
}
