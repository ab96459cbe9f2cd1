#include <bits/stdc++.h>
using namespace std;

unsigned long long g(unsigned long long a, unsigned long long b) {
    if (!a) return b; if (!b) return a;
    int k = __builtin_ctzll(a | b); a >>= __builtin_ctzll(a);
    while (b) { b >>= __builtin_ctzll(b); if (a > b) swap(a, b); b -= a; }
    return a << k;
}
int main() {
    int n; scanf("%d", &n);
    vector<long long> a(n); for (auto &x : a) scanf("%lld", &x);
    long long s = 0;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) s += g(a[i], a[j]);
    printf("%lld\n", s);
}
