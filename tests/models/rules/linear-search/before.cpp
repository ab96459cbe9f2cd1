#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q;
    cin >> n >> q;
    vector<long long> seen(n);
    for (auto &x : seen) cin >> x;
    int hits = 0;
    long long total = 0;
    for (int i = 0; i < q; i++) {
        int x;
        cin >> x;
        if (find(seen.begin(), seen.end(), x) != seen.end()) hits++;
        total += count(seen.begin(), seen.end(), (long long)x * 2);
    }
    cout << hits << " " << total << "\n";
}
