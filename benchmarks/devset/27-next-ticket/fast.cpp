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
            auto it = tickets.lower_bound(x);
            int got = it == tickets.end() ? -1 : *it;
            answer += got;
            printf("%d\n", got);
        }
    }
    printf("%lld\n", answer);
}
