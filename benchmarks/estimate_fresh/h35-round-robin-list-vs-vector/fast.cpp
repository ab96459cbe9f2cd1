#include <bits/stdc++.h>
using namespace std;

// Round-robin scheduler: quantum Q; report finishing order checksum and mean turnaround.
int main() {
    int n, Q;
    scanf("%d %d", &n, &Q);
    vector<pair<int, int>> ready;  // (process id, remaining time); a queue from index head
    for (int i = 0; i < n; i++) {
        int t;
        scanf("%d", &t);
        ready.push_back({i, t});
    }
    size_t head = 0;
    long long clock = 0, turnaround = 0;
    unsigned long long orderHash = 0;
    int finished = 0;
    while (head < ready.size()) {
        auto [id, rem] = ready[head++];
        int run = min(rem, Q);
        clock += run;
        rem -= run;
        if (rem > 0) {
            ready.push_back({id, rem});
        } else {
            finished++;
            turnaround += clock;
            orderHash = orderHash * 1000003 + id;
        }
    }
    printf("%d %lld %llu %.3f\n", finished, clock, orderHash, (double)turnaround / n);
    return 0;
}
