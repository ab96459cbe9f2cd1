#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    set<long long> seen;
    long long sumDistinct = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        if (seen.find(x) == seen.end()) {
            seen.insert(x);
            sumDistinct += x;
        }
    }
    cout << seen.size() << " " << sumDistinct << endl;
}
