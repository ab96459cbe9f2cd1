#include <bits/stdc++.h>
using namespace std;

typedef array<long long, 4> M; const long long P = 1000000007;
M mul(const M &x, const M &y) { return {(x[0]*y[0] + x[1]*y[2]) % P, (x[0]*y[1] + x[1]*y[3]) % P, (x[2]*y[0] + x[3]*y[2]) % P, (x[2]*y[1] + x[3]*y[3]) % P}; }
int main() {
    int q; scanf("%d", &q);
    while (q--) { long long n; scanf("%lld", &n); M r = {1, 0, 0, 1}, b = {1, 1, 1, 0};
        while (n) { if (n & 1) r = mul(r, b); b = mul(b, b); n >>= 1; } printf("%lld\n", r[1]); }
}
