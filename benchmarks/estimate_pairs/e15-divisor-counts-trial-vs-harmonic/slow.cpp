#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); long long s = 0;
    for (int x = 1; x <= n; x++) { int c = 0; for (int d = 1; d * d <= x; d++) if (x % d == 0) c += (d * d == x) ? 1 : 2; s += 1LL * c * x % 7; }
    printf("%lld\n", s);
}
