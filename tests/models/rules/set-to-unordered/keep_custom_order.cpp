#include <functional>
#include <iostream>
#include <set>
using namespace std;

int main() {
    set<int, greater<int>> s;
    s.insert(1);
    cout << s.count(1) << "\n";
}
