#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q; scanf("%d %d", &n, &q); unordered_map<int,int> kv; kv.reserve(2 * n);
    for (int i = 0; i < n; i++) { int k, v; scanf("%d %d", &k, &v); kv.emplace(k, v); }
    long long s = 0;
    while (q--) { int k; scanf("%d", &k); auto it = kv.find(k); if (it != kv.end()) s += it->second; }
    printf("%lld\n", s);
}
