#include <iostream>
#include <unordered_map>
#include <map>
using namespace std;

int main() {
    int n;
    cin >> n;
    unordered_map<int, int> seen;
    int repeats = 0;
    for (int i = 0; i < n; i++) {
        int x;
        cin >> x;
        if (seen.count(x)) repeats++;
        seen[x]++;
    }
    cout << repeats << "\n";
}
