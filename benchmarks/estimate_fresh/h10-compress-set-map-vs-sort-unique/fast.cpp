#include <bits/stdc++.h>
using namespace std;

// Coordinate compression with a sorted, deduplicated vector and binary search.
int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    vector<long long> values(a);
    sort(values.begin(), values.end());
    values.erase(unique(values.begin(), values.end()), values.end());
    long long check = 0;
    for (int i = 0; i < n; i++) {
        int rank = lower_bound(values.begin(), values.end(), a[i]) - values.begin();
        check = (check * 1000003 + rank) % 998244353;
    }
    cout << values.size() << " " << check << "\n";
    return 0;
}
