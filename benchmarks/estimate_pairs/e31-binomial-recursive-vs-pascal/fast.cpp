#include <bits/stdc++.h>
using namespace std;

int main() {
    static long long c[64][64];
    for (int n = 0; n < 64; n++) { c[n][0] = c[n][n] = 1; for (int k = 1; k < n; k++) c[n][k] = (c[n-1][k-1] + c[n-1][k]) % 1000000007; }
    int q; scanf("%d", &q); while (q--) { int n, k; scanf("%d %d", &n, &k); printf("%lld\n", c[n][k]); }
}
