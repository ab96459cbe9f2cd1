#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, quantum;
    scanf("%d %d", &n, &quantum);
    queue<pair<int, int>> line;
    for (int i = 0; i < n; i++) {
        int t;
        scanf("%d", &t);
        line.push({i + 1, t});
    }
    long long clock = 0;
    vector<long long> done(n + 1);
    while (!line.empty()) {
        auto cur = line.front();
        line.pop();
        int spend = min(cur.second, quantum);
        clock += spend;
        cur.second -= spend;
        if (cur.second > 0) line.push(cur);
        else done[cur.first] = clock;
    }
    for (int i = 1; i <= n; i++) printf("%lld%c", done[i], i == n ? '\n' : ' ');
}
