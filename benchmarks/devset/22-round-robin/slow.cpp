#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, quantum;
    cin >> n >> quantum;
    vector<pair<int, int>> line;  // (id, remaining work)
    for (int i = 0; i < n; i++) {
        int t;
        cin >> t;
        line.push_back({i + 1, t});
    }
    long long clock = 0;
    vector<long long> done(n + 1);
    while (!line.empty()) {
        pair<int, int> cur = line[0];
        line.erase(line.begin());
        int spend = min(cur.second, quantum);
        clock += spend;
        cur.second -= spend;
        if (cur.second > 0) line.push_back(cur);
        else done[cur.first] = clock;
    }
    for (int i = 1; i <= n; i++) cout << done[i] << (i == n ? '\n' : ' ');
}
