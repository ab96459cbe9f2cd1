#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<pair<int,int>> p(n); for (auto &[k, v] : p) scanf("%d %d", &k, &v);
    sort(p.begin(), p.end()); long long s = 0; size_t groups = 0;
    for (size_t i = 0; i < p.size();) { size_t j = i; while (j < p.size() && p[j].first == p[i].first) j++;
        groups++; s += (long long)p[j - 1].second * p[i].first % 1000; i = j; }
    printf("%zu %lld\n", groups, s);
}
