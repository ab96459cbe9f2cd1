#include <bits/stdc++.h>
using namespace std;

static int seen[20000];
int main() {
    int q; scanf("%d", &q); long long total = 0;
    for (int stamp = 1; stamp <= q; stamp++) { int k; scanf("%d", &k); int d = 0;
        for (int i = 0; i < k; i++) { int x; scanf("%d", &x); if (seen[x] != stamp) { seen[x] = stamp; d++; } } total += d; }
    printf("%lld\n", total);
}
