#include <cstdio>

long long mod = 998244353;

int main() {
    long long b, n;
    scanf("%lld %lld", &b, &n);
    long long answer = 5;
    for (int k = 1; k <= n; ++k) {
        answer *= b;
        answer %= mod;
    }
    printf("%lld\n", answer);
}
