#include <iostream>
#include <set>
using namespace std;

int main() {
    int n;
    cin >> n;
    set<long long> seen;
    int fresh = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        if (!seen.count(x)) fresh++;
        seen.insert(x);
        if (seen.find(x + 1) != seen.end()) fresh += 2;
    }
    cout << fresh << " " << seen.size() << "\n";
}
