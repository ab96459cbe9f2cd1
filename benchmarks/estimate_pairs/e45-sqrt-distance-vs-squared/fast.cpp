#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; long long r; scanf("%d %lld", &n, &r); vector<pair<long long,long long>> p(n); for (auto &[x, y] : p) scanf("%lld %lld", &x, &y);
    long long c = 0, r2 = r * r;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) { long long dx = p[i].first - p[j].first, dy = p[i].second - p[j].second; if (dx * dx + dy * dy <= r2) c++; }
    printf("%lld\n", c);
}
