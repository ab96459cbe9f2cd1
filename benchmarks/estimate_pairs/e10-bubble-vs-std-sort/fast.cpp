#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> v(n); for (auto &x : v) scanf("%d", &x);
    sort(v.begin(), v.end());
    long long h = 0; for (int i = 0; i < n; i++) h = h * 31 + v[i];
    printf("%lld\n", h);
}
