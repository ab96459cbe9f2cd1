#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    set<int> tickets;
    long long answer = 0;
    for (int i = 0; i < q; i++) {
        int op, x;
        scanf("%d %d", &op, &x);
        if (op == 1) {
            tickets.insert(x);
        } else {
            // smallest ticket number >= x, or -1
            auto it = lower_bound(tickets.begin(), tickets.end(), x);
            int got = it == tickets.end() ? -1 : *it;
            answer += got;
            printf("%d\n", got);
        }
    }
    printf("%lld\n", answer);
}
