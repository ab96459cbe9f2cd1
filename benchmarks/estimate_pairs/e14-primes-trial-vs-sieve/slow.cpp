#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); int c = 0;
    for (int x = 2; x <= n; x++) { bool p = true; for (int d = 2; d * d <= x; d++) if (x % d == 0) { p = false; break; } c += p; }
    printf("%d\n", c);
}
