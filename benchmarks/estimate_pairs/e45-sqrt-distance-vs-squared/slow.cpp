#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; long long r; scanf("%d %lld", &n, &r); vector<pair<long long,long long>> p(n); for (auto &[x, y] : p) scanf("%lld %lld", &x, &y);
    long long c = 0;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) { double dx = p[i].first - p[j].first, dy = p[i].second - p[j].second; if (sqrt(dx * dx + dy * dy) <= (double)r) c++; }
    printf("%lld\n", c);
}
