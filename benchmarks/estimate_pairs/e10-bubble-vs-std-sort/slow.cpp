#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> v(n); for (auto &x : v) scanf("%d", &x);
    for (int i = 0; i < n; i++) for (int j = 0; j + 1 < n - i; j++) if (v[j] > v[j + 1]) swap(v[j], v[j + 1]);
    long long h = 0; for (int i = 0; i < n; i++) h = h * 31 + v[i];
    printf("%lld\n", h);
}
