#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> v(n); for (auto &x : v) scanf("%d", &x);
    sort(v.begin(), v.end());
    long long h = 0; for (int x : v) h = (h * 131 + x) % 998244353;
    printf("%lld\n", h);
}
