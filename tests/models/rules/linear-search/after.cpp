#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q;
    cin >> n >> q;
    vector<long long> seen(n);
    for (auto &x : seen) cin >> x;
    int hits = 0;
    long long total = 0;
    { std::unordered_map<long long, std::ptrdiff_t> pie_counts_1; for (const auto &pie_e_1 : seen) pie_counts_1[pie_e_1]++; for (int i = 0; i < q; i++) {
        int x;
        cin >> x;
        if ((pie_counts_1.count(x) != 0)) hits++;
        total += (pie_counts_1.count((long long)x * 2) ? pie_counts_1.at((long long)x * 2) : (std::ptrdiff_t)0);
    } }
    cout << hits << " " << total << "\n";
}
