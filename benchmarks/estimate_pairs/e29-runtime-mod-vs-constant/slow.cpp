#include <bits/stdc++.h>
using namespace std;

int main() {
    long long mod, n; scanf("%lld %lld", &mod, &n); long long f = 1, s = 0;
    for (long long i = 1; i <= n; i++) { f = f * i % mod; s = (s + f) % mod; }
    printf("%lld\n", s);
}
