#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> c(n + 1); long long s = 0;
    for (int d = 1; d <= n; d++) for (int m = d; m <= n; m += d) c[m]++;
    for (int x = 1; x <= n; x++) s += 1LL * c[x] * x % 7;
    printf("%lld\n", s);
}
