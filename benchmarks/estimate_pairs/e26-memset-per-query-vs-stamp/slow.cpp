#include <bits/stdc++.h>
using namespace std;

static int seen[20000];
int main() {
    int q; scanf("%d", &q); long long total = 0;
    while (q--) { int k; scanf("%d", &k); memset(seen, 0, sizeof seen); int d = 0;
        for (int i = 0; i < k; i++) { int x; scanf("%d", &x); if (!seen[x]) { seen[x] = 1; d++; } } total += d; }
    printf("%lld\n", total);
}
