#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<char> comp(n + 1); int c = 0;
    for (int x = 2; x <= n; x++) { if (comp[x]) continue; c++; for (long long y = 1LL * x * x; y <= n; y += x) comp[y] = 1; }
    printf("%d\n", c);
}
