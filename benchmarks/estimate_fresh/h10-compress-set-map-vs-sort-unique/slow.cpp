#include <bits/stdc++.h>
using namespace std;

// Coordinate compression: replace each value by its rank among the distinct values.
int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<long long> a(n);
    set<long long> values;
    for (int i = 0; i < n; i++) {
        cin >> a[i];
        values.insert(a[i]);
    }
    map<long long, int> rank;
    int r = 0;
    for (long long v : values) rank[v] = r++;
    long long check = 0;
    for (int i = 0; i < n; i++) check = (check * 1000003 + rank[a[i]]) % 998244353;
    cout << values.size() << " " << check << "\n";
    return 0;
}
