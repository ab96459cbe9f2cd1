#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    vector<int> pool;
    long long paid = 0;
    int served = 0;
    while (q--) {
        int t;
        scanf("%d", &t);
        if (t == 1) {
            int x;
            scanf("%d", &x);
            pool.push_back(x);
        } else if (!pool.empty()) {
            int mi = 0;
            for (int i = 1; i < (int)pool.size(); i++)
                if (pool[i] < pool[mi]) mi = i;
            paid += pool[mi];
            served++;
            pool.erase(pool.begin() + mi);
        }
    }
    printf("%d %lld %d\n", served, paid, (int)pool.size());
}
