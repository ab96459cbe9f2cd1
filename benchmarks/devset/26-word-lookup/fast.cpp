#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, q;
    cin >> n >> q;
    unordered_map<string, int> cnt;
    cnt.reserve(2 * n);
    string w;
    for (int i = 0; i < n; i++) {
        cin >> w;
        cnt[w]++;
    }
    long long total = 0;
    for (int i = 0; i < q; i++) {
        cin >> w;
        auto it = cnt.find(w);
        if (it != cnt.end()) total += it->second;
    }
    cout << cnt.size() << " " << total << "\n";
}
