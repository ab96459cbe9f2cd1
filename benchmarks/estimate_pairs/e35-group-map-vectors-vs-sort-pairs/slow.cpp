#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); map<int, vector<int>> g;
    for (int i = 0; i < n; i++) { int k, v; scanf("%d %d", &k, &v); g[k].push_back(v); }
    long long s = 0; for (auto &[k, vs] : g) { long long m = *max_element(vs.begin(), vs.end()); s += m * k % 1000; }
    printf("%zu %lld\n", g.size(), s);
}
